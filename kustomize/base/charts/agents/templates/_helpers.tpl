{{/*
Chart name, truncated to the 63-character DNS label limit.
*/}}
{{- define "agents.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name. If the release name already contains the chart
name it is used as-is (release "agents" -> "agents").
*/}}
{{- define "agents.fullname" -}}
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

{{/*
Name of the controllers workload and its companion objects.
*/}}
{{- define "agents.controllers.fullname" -}}
{{- printf "%s-controllers" (include "agents.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Name of the shared ConfigMap.
*/}}
{{- define "agents.configMapName" -}}
{{- printf "%s-config" (include "agents.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Chart label value: name-version.
*/}}
{{- define "agents.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels shared by every component.
*/}}
{{- define "agents.selectorLabels" -}}
app.kubernetes.io/name: {{ include "agents.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Common labels (no component).
*/}}
{{- define "agents.labels" -}}
helm.sh/chart: {{ include "agents.chart" . }}
{{ include "agents.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: agents
{{- end }}

{{/*
Component selector / labels. Call with (dict "ctx" $ "component" "control-plane").
*/}}
{{- define "agents.componentSelectorLabels" -}}
{{ include "agents.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "agents.componentLabels" -}}
{{ include "agents.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Service account name.
*/}}
{{- define "agents.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "agents.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Container image reference. Call with (dict "ctx" $ "image" .Values.controlPlane.image).
Renders repository:tag, plus @digest when a digest is set.
*/}}
{{- define "agents.image" -}}
{{- $tag := default .ctx.Chart.AppVersion .image.tag -}}
{{- if .image.digest -}}
{{- printf "%s:%s@%s" .image.repository $tag .image.digest -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end }}

{{/*
Render a name->value map as a container env list; values are always quoted
strings so YAML-1.1-ambiguous scalars ("on", "0755", "1e3", ...) survive.
*/}}
{{- define "agents.envList" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}
