{{/* Labels on every object: the two deploy/ uses (selectors rely on name + component only) and Helm's own. */}}
{{- define "kubeway.labels" -}}
app.kubernetes.io/name: kubeway
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "kubeway.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The controller's roles, comma-separated: loadbalancer, ingress or both. */}}
{{- define "kubeway.controllerRoles" -}}
{{- $roles := list -}}
{{- if .Values.roles.loadbalancer }}{{ $roles = append $roles "loadbalancer" }}{{ end -}}
{{- if .Values.roles.ingress }}{{ $roles = append $roles "ingress" }}{{ end -}}
{{- join "," $roles -}}
{{- end }}

{{/* The downward-API environment both workloads use, and the API server address when set. */}}
{{- define "kubeway.env" -}}
- name: NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: POD_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
{{- if .Values.apiServer.host }}
- name: KUBERNETES_SERVICE_HOST
  value: {{ .Values.apiServer.host | quote }}
- name: KUBERNETES_SERVICE_PORT
  value: {{ .Values.apiServer.port | default "6443" | quote }}
{{- end }}
{{- end }}
