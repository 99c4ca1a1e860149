// The settings files an identity comes with: kafka.properties (Java
// properties, as Kafka and its Java clients read them) and
// librdkafka.properties (as librdkafka, kcat and the clients built on it read
// them), pointing at the identity's files where the node will install them.
#pragma once

#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "identity/files.h"
#include "x509/issue.h"

namespace certmint {

// Lines for Kafka (Java properties, escaped) and librdkafka, pointing at the
// identity's files under `install_dir`.
std::string KafkaProperties(const IdentityFiles& files, const std::string& install_dir, Role role,
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
