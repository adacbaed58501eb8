{{- define "demo.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
{{- end }}
