{{/* Chart name, truncated to the 63 characters Kubernetes allows in names. */}}
{{- define "chartwarden.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name used for every object. */}}
{{- define "chartwarden.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels every object carries (Kubernetes recommended labels). */}}
{{- define "chartwarden.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "chartwarden.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: chartwarden
{{- end }}

{{/* Selector labels; `component` tells web from worker. Never changes between upgrades. */}}
{{- define "chartwarden.selectorLabels" -}}
app.kubernetes.io/name: {{ include "chartwarden.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Every pod of the release, web and worker alike (for NetworkPolicy and PodMonitor). */}}
{{- define "chartwarden.podSelectorLabels" -}}
app.kubernetes.io/name: {{ include "chartwarden.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "chartwarden.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "chartwarden.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "chartwarden.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}:{{ $tag }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ $tag }}
{{- end -}}
{{- end }}

{{/* Environment shared by web and worker: credentials come from the existing Secret only. */}}
{{- define "chartwarden.env" -}}
- name: CHARTWARDEN_APP_ID
  valueFrom:
    secretKeyRef:
      name: {{ required "existingSecret is required" .Values.existingSecret }}
      key: {{ .Values.existingSecretItems.appIdItem }}
- name: CHARTWARDEN_PRIVATE_KEY_FILE
  value: /var/run/chartwarden/{{ .Values.existingSecretItems.privateKeyItem }}
- name: CHARTWARDEN_WEBHOOK_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ .Values.existingSecret }}
      key: {{ .Values.existingSecretItems.webhookSecretItem }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.existingSecret }}
      key: {{ .Values.existingSecretItems.databaseUrlItem }}
- name: CHARTWARDEN_DATA_DIR
  value: /tmp/chartwarden
- name: CHARTWARDEN_HOST
  value: 0.0.0.0
- name: CHARTWARDEN_APP_SLUG
  value: {{ .Values.github.appSlug | quote }}
- name: CHARTWARDEN_GITHUB_API_URL
  value: {{ .Values.github.apiUrl | quote }}
{{- end }}
