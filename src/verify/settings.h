// The Kafka and librdkafka settings files beside an identity's stores, read
// as their consumers read them and checked before deployment: the stores,
// keys and CA files they name open with the types and passwords they give.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "verify/verify.h"

namespace certmint {

// A kafka.properties file as Kafka takes it: java.util.Properties#load
// (comment lines, '=' ':' or whitespace between key and value, backslash
// escapes, \uXXXX, line continuations; bytes read as ISO 8859-1, returned as
// UTF-8), then every value trimmed, as Kafka's ConfigDef trims them.
std::map<std::string, std::string> ParseKafkaProperties(std::string_view text);

// A librdkafka.properties file as kcat -F reads it (read_conf_file in
// kcat.c): lines read in pieces of at most 511 bytes (fgets into 512), each
// trimmed; '#' comments; every "\:" and "\=" made ":" and "=" (kcat has no
// other escape); the key up to the first '=', the rest the value, without
// the leading white space librdkafka skips when it is set.
// kInvalidData naming the line where kcat -F would stop ("expected
// property=value"). ssl.endpoint.identification.algorithm is kept, though
// kcat skips it, since other librdkafka clients read it.
Result<std::map<std::string, std::string>> ParseLibrdkafkaProperties(std::string_view text);

// Checks DIR/kafka.properties and DIR/librdkafka.properties, those present.
// A location that does not exist on this machine (the identity's install
// directory may be another machine's) is looked up by its file name in DIR.
std::vector<Check> VerifySettingsFiles(const std::string& dir);

}  // namespace certmint
