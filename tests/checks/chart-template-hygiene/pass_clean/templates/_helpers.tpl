{{- define "demo.name" -}}
  {{ .Chart.Name }}
{{- end }}
