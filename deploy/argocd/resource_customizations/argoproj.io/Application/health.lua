-- Health of a child Application, so the app of apps waits at each sync wave
-- until the wave's applications are Healthy. Argo CD removed this check in
-- v1.8 (https://github.com/argoproj/argo-cd/issues/3781) and documents this
-- script to restore it:
-- https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#argocd-app
hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
