// The settings files an identity comes with: kafka.properties (Java
// properties, as Kafka and its Java clients read them) and
// librdkafka.properties (as librdkafka, kcat and the clients built on it read
// them), pointing at the identity's files where the node will install them.
#pragma once

#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "identity/files.h"
#include "identity/kafka_settings.h"
#include "x509/certificate.h"
#include "x509/issue.h"

namespace certmint {

// The files a Java process (a broker, a Java client) needs to refuse revoked
// certificates, written beside kafka.properties when the certificate says
// where its status is (a CA with a URL, docs/revocation.md).
inline constexpr std::string_view kRevocationSecurityFile = "revocation.security";
inline constexpr std::string_view kKafkaOptsFile = "kafka-opts.env";

// Whether `certificate` carries an OCSP location (authorityInfoAccess) or a
// CRL distribution point: then Java can check its status online.
bool CarriesStatusLocations(const Certificate& certificate);
// revocation.security: the Java security property that turns OCSP on
// (ocsp.enable is a security property: as a -D system property it does
// nothing).
std::string RevocationSecurityText();
// kafka-opts.env: KAFKA_OPTS="..." (for a shell or systemd's
// EnvironmentFile=) with revocation checking on (OCSP and CRL distribution
// points, so that Java falls back to the CRL when the OCSP responder is
// down), a 2-second OCSP timeout instead of Java's 15, and for a server role
// OCSP stapling (the broker sends its own status to its clients).
std::string KafkaOptsText(const std::string& install_dir, const std::string& dir, Role role);

// Lines for Kafka (Java properties, escaped) and librdkafka, pointing at the
// identity's files under `install_dir`.
std::string KafkaProperties(const IdentityFiles& files, const std::string& install_dir, Role role,
                            const SecretString& password);
// server.properties: the lines of a broker's (or a KRaft controller's)
// configuration that set up its SSL listener with this identity (Java
// properties, escaped as KafkaProperties escapes them): listeners and
// advertised.listeners (brokers), listener.security.protocol.map, the
// inter-broker or controller listener names, listener-prefixed
// listener.name.NAME.ssl.* settings pointing at the stores under
// `install_dir`, ssl.client.auth=required, ssl.principal.mapping.rules and
// super.users (`settings.super_users` plus the node's own principal, each as
// User:PRINCIPAL). kInvalidArgument when a principal holds ';', which
// super.users cannot list (Kafka splits it there).
Result<std::string> KafkaServerProperties(const IdentityFiles& files,
                                          const std::string& install_dir,
                                          const Certificate& certificate, const std::string& name,
                                          const KafkaServerSettings& settings,
                                          const SecretString& password);

// kcat reads its -F file in pieces of this many bytes (fgets into a 512-byte
// buffer): a longer line arrives cut in two.
inline constexpr size_t kKcatMaxLine = 511;

// librdkafka.properties as kcat -F reads it back: kInvalidArgument when a
// value would not survive kcat's reader (a control character, a backslash
// before '=' or ':', a trailing space, a line over kKcatMaxLine bytes); the
// error never shows the password. A key written unencrypted (files.plain_key)
// gets no ssl.key.password.
Result<std::string> LibrdkafkaProperties(const IdentityFiles& files, const std::string& install_dir,
                                         const SecretString& password);

}  // namespace certmint
