"""Small manifests several test modules share."""

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
      resources:
        requests: {cpu: 100m}
      securityContext:
        privileged: true
"""
