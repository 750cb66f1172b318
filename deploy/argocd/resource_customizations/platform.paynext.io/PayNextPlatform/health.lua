-- Health of a PayNext platform: the PayNextPlatform claim and its
-- XPayNextPlatform composite share this script (a test keeps the two copies
-- identical). Crossplane v2.4.0 reports Synced and Ready on both.
--
-- The pause annotation is read first: a paused claim or XR also carries
-- Synced=False with reason ReconcilePaused (crossplane v2.4.0
-- internal/controller/apiextensions/claim/reconciler.go and composite/reconciler.go),
-- which must read as Suspended, not Degraded.
--
-- Argo CD runs scripts from argocd-cm without Lua's string library (only base,
-- table, package and a safe os; util/lua/lua.go at v3.5.7,
-- https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#way-1-define-a-custom-health-check-in-argocd-cm-configmap),
-- so this script uses only the .. operator on strings.
local hs = {}

local annotations = obj.metadata.annotations
if annotations ~= nil and annotations["crossplane.io/paused"] == "true" then
  hs.status = "Suspended"
  hs.message = "Reconciliation is paused by the crossplane.io/paused annotation"
  return hs
end

-- A condition's message, else its reason (which the CRDs require): Crossplane
-- leaves the message empty on some conditions (Ready=True reason Available).
local function describe(c)
  if c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return c.reason
end

local synced = nil
local ready = nil
if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "Synced" then
      synced = c
    elseif c.type == "Ready" then
      ready = c
    end
  end
end

if synced == nil and ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for Crossplane to report the Synced and Ready conditions"
  return hs
end

if synced ~= nil and synced.status == "False" then
  hs.status = "Degraded"
  hs.message = describe(synced)
  return hs
end

if ready ~= nil and ready.status == "True" and synced ~= nil and synced.status == "True" then
  hs.status = "Healthy"
  hs.message = "Synced and Ready"
  return hs
end

hs.status = "Progressing"
if ready == nil then
  hs.message = "Waiting for Crossplane to report the Ready condition"
elseif ready.status ~= "True" then
  hs.message = describe(ready)
else
  hs.message = "Waiting for the Synced condition to be True"
end
return hs
