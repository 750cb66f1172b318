-- Health of a Crossplane Configuration or Function package (the two share
-- this script; a test keeps the copies identical). Crossplane v2.4.0's package
-- manager sets Installed (ActivePackageRevision, or False with UnpackingPackage
-- and the pull error) and Healthy (False with the revision's or runtime's
-- health message): apis/pkg/v1/conditions.go and
-- internal/controller/pkg/manager/reconciler.go in crossplane v2.4.0.
--
-- Argo CD's built-in pkg.crossplane.io/Provider check covers Providers only;
-- without this script Configurations and Functions fall to the _.crossplane.io
-- wildcard, which never looks at Installed
-- (resource_customizations/_.crossplane.io/_/health.lua at v3.5.7).
-- No Lua string library is used: Argo CD does not open it for argocd-cm scripts.
local hs = {}

-- A condition's message, else its reason (which the CRDs require).
local function describe(c)
  if c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return c.reason
end

local installed = nil
local healthy = nil
if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "Installed" then
      installed = c
    elseif c.type == "Healthy" then
      healthy = c
    end
  end
end

if installed ~= nil and installed.status == "True" and healthy ~= nil and healthy.status == "True" then
  hs.status = "Healthy"
  hs.message = "Installed and healthy"
  return hs
end

if installed ~= nil and installed.status == "False" then
  hs.status = "Degraded"
  hs.message = describe(installed)
  return hs
end

if healthy ~= nil and healthy.status == "False" then
  hs.status = "Degraded"
  hs.message = describe(healthy)
  return hs
end

hs.status = "Progressing"
if installed == nil then
  hs.message = "Waiting for the package to be installed"
elseif installed.status ~= "True" then
  hs.message = describe(installed)
elseif healthy == nil then
  hs.message = "Waiting for the package to report its health"
else
  hs.message = describe(healthy)
end
return hs
