{{/* Shared names. */}}
{{- define "fullname" -}}
{{ .Release.Name }}-demo
{{- end }}

{{- define "demo-chart.labels" -}}
app.kubernetes.io/name: demo
{{- end }}
