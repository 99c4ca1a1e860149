// Format k8s: an identity as Kubernetes objects, ready for `kubectl apply -f`.
//
//   secret.yaml: a Secret of type kubernetes.io/tls named after the identity,
//     data (base64): tls.crt (the certificate and the CAs above it), tls.key
//     (the key, unencrypted PKCS#8 PEM, as kubernetes.io/tls Secrets carry it),
//     ca.crt (the trust anchors), keystore.p12/truststore.p12 and
//     keystore.jks/truststore.jks when those formats are written, and
//     password (the store password) when a store is.
//   strimzi-ca.yaml (with a Strimzi cluster name): the custom-CA Secrets
//     Strimzi reads the CA certificate from, <cluster>-cluster-ca-cert and
//     <cluster>-clients-ca-cert (ca.crt: the trust anchors), labelled
//     strimzi.io/kind=Kafka and strimzi.io/cluster=<cluster>, annotated
//     strimzi.io/ca-cert-generation. Never the CA's key: see docs/kafka.md.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/secret.h"
#include "x509/certificate.h"

namespace certmint {

// One data entry of a Secret: its key and its raw bytes (base64 in YAML).
struct SecretEntry {
  std::string key;
  std::string value;
};

// A Secret manifest (YAML). `name` and `ns` must be valid Kubernetes names
// (KubernetesName; `ns` may be empty: no namespace, kubectl's current one).
std::string SecretManifest(const std::string& name, const std::string& ns, const std::string& type,
                           const std::vector<SecretEntry>& data,
                           const std::vector<std::pair<std::string, std::string>>& labels,
                           const std::vector<std::pair<std::string, std::string>>& annotations);

// strimzi-ca.yaml for the Strimzi cluster `cluster` in `ns`: its generation
// annotation grows with the newest anchor's notBefore (days since 1970), so
// that a CA rotation (a newer CA among the anchors) raises it, as Strimzi
// asks of a replaced CA certificate.
std::string StrimziCaSecrets(const std::string& cluster, const std::string& ns,
                             const std::vector<Certificate>& trust);

// A Kubernetes namespace: an RFC 1123 label (at most 63 characters of
// lower-case letters, digits and '-', starting and ending with a letter or
// digit); kInvalidArgument otherwise.
Status CheckKubernetesNamespace(std::string_view ns);

}  // namespace certmint
