{{/* Release-scoped name prefix, at most 63 characters with a service suffix. */}}
{{- define "tributary.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "tributary.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" -}}
{{- end -}}

{{- define "tributary.commonLabels" -}}
helm.sh/chart: {{ include "tributary.chart" . }}
app.kubernetes.io/part-of: tributary
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Labels of objects that belong to the release, not to one service. */}}
{{- define "tributary.releaseLabels" -}}
{{ include "tributary.commonLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of one service: dict "root" $ "name" <service>. */}}
{{- define "tributary.labels" -}}
{{ include "tributary.commonLabels" .root }}
{{ include "tributary.selectorLabels" . }}
{{- end -}}

{{- define "tributary.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "tributary.resourceName" -}}
{{- printf "%s-%s" (include "tributary.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Deep merge of two maps where the second wins, including false, 0 and "" (sprig's merge functions
skip those, so `autoscaling: {enabled: false}` would not switch anything off). Returns YAML.
*/}}
{{- define "tributary.deepMerge" -}}
{{- $base := deepCopy (.base | default dict) -}}
{{- range $key, $value := (.over | default dict) -}}
{{- if and (kindIs "map" $value) (kindIs "map" (get $base $key)) -}}
{{- $_ := set $base $key (include "tributary.deepMerge" (dict "base" (get $base $key) "over" $value) | fromYaml) -}}
{{- else -}}
{{- $_ := set $base $key $value -}}
{{- end -}}
{{- end -}}
{{- toYaml $base -}}
{{- end -}}

{{/*
One service's settings, serviceDefaults merged under it: dict "root" $ "name" <service>. Returns YAML.
A service that simulates an external system (simulates: paymentGateway) is enabled only while
<that system>.simulator.enabled is true.
*/}}
{{- define "tributary.service" -}}
{{- $svc := include "tributary.deepMerge" (dict "base" .root.Values.serviceDefaults "over" (get .root.Values.services .name)) | fromYaml -}}
{{- with $svc.simulates -}}
{{- $system := get $.root.Values . | default dict -}}
{{- $simulator := $system.simulator | default dict -}}
{{- $_ := set $svc "enabled" (and $svc.enabled $simulator.enabled) -}}
{{- end -}}
{{- toYaml $svc -}}
{{- end -}}

{{/* Base URL payments-service calls: the simulator's Service while it is enabled, else paymentGateway.url. */}}
{{- define "tributary.paymentGatewayUrl" -}}
{{- $gateway := .Values.paymentGateway -}}
{{- if $gateway.simulator.enabled -}}
{{- $simulator := "" -}}
{{- range $name, $_ := .Values.services -}}
{{- $svc := include "tributary.service" (dict "root" $ "name" $name) | fromYaml -}}
{{- if and $svc.enabled (eq ($svc.simulates | default "") "paymentGateway") -}}
{{- $simulator = printf "http://%s:%d" (include "tributary.resourceName" (dict "root" $ "name" $name)) ($svc.port | int) -}}
{{- end -}}
{{- end -}}
{{- required "paymentGateway.simulator.enabled: no enabled service under services has simulates: paymentGateway" $simulator -}}
{{- else -}}
{{- required "paymentGateway.url is required (or paymentGateway.simulator.enabled)" $gateway.url -}}
{{- end -}}
{{- end -}}

{{- define "tributary.image" -}}
{{- $root := .root -}}
{{- $image := .svc.image | default dict -}}
{{- $repository := $image.repository | default (printf "%s/%s" $root.Values.image.registry ($image.name | default .name)) -}}
{{- printf "%s:%s" $repository ($image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion) -}}
{{- end -}}

{{/* Name of a topic by its key under topics.definitions; fails on an unknown key. */}}
{{- define "tributary.topicName" -}}
{{- $topic := get .root.Values.topics.definitions .key -}}
{{- if not $topic -}}
{{- fail (printf "services.%s: topic %q is not defined under topics.definitions" .service .key) -}}
{{- end -}}
{{- $topic.name -}}
{{- end -}}

{{- define "tributary.topicPartitions" -}}
{{- $topic := get .root.Values.topics.definitions .key | default dict -}}
{{- $topic.partitions | default .root.Values.topics.partitions | int -}}
{{- end -}}

{{- define "tributary.backboneSecretName" -}}
{{- printf "%s-backbone" (include "tributary.fullname" .) -}}
{{- end -}}

{{/* The Kafka TLS and SASL settings as container environment (plain values and Secret references). */}}
{{- define "tributary.kafkaSecurityEnv" -}}
{{- $kafka := .Values.kafka -}}
{{- if $kafka.tls.enabled }}
- name: KAFKA_TLS
  value: "true"
- name: KAFKA_TLS_REJECT_UNAUTHORIZED
  value: {{ $kafka.tls.rejectUnauthorized | quote }}
{{- if $kafka.tls.caSecret.name }}
- name: KAFKA_TLS_CA_FILE
  value: /etc/tributary/kafka-ca/{{ $kafka.tls.caSecret.key }}
{{- end }}
{{- end }}
{{- if $kafka.sasl.enabled }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $kafka.sasl.mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ required "kafka.sasl.existingSecret is required when kafka.sasl.enabled" $kafka.sasl.existingSecret }}
      key: {{ $kafka.sasl.usernameKey }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $kafka.sasl.existingSecret }}
      key: {{ $kafka.sasl.passwordKey }}
{{- end }}
{{- end -}}

{{- define "tributary.kafkaCaVolume" -}}
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.caSecret.name }}
- name: kafka-ca
  secret:
    secretName: {{ .Values.kafka.tls.caSecret.name }}
    items:
      - key: {{ .Values.kafka.tls.caSecret.key }}
        path: {{ .Values.kafka.tls.caSecret.key }}
{{- end }}
{{- end -}}

{{- define "tributary.kafkaCaMount" -}}
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.caSecret.name }}
- name: kafka-ca
  mountPath: /etc/tributary/kafka-ca
  readOnly: true
{{- end }}
{{- end -}}

{{/* Pod and container security: non-root, read-only root filesystem, nothing extra. */}}
{{- define "tributary.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "tributary.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}
