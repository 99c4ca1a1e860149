// The settings files an identity comes with: kafka.properties (Java
// properties, as Kafka and its Java clients read them) and
// librdkafka.properties (as librdkafka, kcat and the clients built on it read
// them), pointing at the identity's files where the node will install them.
#pragma once

#include <string>

#include "core/secret.h"
#include "identity/files.h"
#include "x509/issue.h"

namespace certmint {

// Lines for Kafka (Java properties, escaped) and librdkafka, pointing at the
// identity's files under `install_dir`.
std::string KafkaProperties(const IdentityFiles& files, const std::string& install_dir, Role role,
                            const SecretString& password);
std::string LibrdkafkaProperties(const IdentityFiles& files, const std::string& install_dir,
                                 const SecretString& password);

}  // namespace certmint
