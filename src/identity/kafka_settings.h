// How a broker or KRaft controller serves Kafka over SSL, for the
// server.properties fragment certmint writes beside a server identity
// (identity/properties.h): its listener, and the cluster's principals that
// Kafka must treat as super users. The manifest's `kafka:` settings
// (cluster/manifest.h) and their defaults.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "x509/name.h"

namespace certmint {

// Defaults: a broker's SSL listener, a controller's CONTROLLER listener.
inline constexpr const char* kDefaultBrokerListener = "SSL";
inline constexpr int kDefaultBrokerPort = 9093;
inline constexpr const char* kDefaultControllerListener = "CONTROLLER";
inline constexpr int kDefaultControllerPort = 9094;

struct KafkaServerSettings {
  // The node is a KRaft controller (process.roles=controller), not a broker.
  bool controller = false;
  // The listener's name (upper case: Kafka's listener names) and port;
  // empty and 0: the defaults above.
  std::string listener;
  int port = 0;
  // The host in advertised.listeners; empty: the first DNS name of the
  // certificate other than the bare identity name, else its first IP
  // address, else the name.
  std::string host;
  // The principals (KafkaPrincipalName) Kafka treats as super users: every
  // broker and controller of the cluster (the node's own is added when
  // missing).
  std::vector<std::string> super_users;
  // For brokers: the controllers' listener name and HOST:PORTs, for
  // controller.listener.names and controller.quorum.bootstrap.servers; empty
  // when unknown (no controllers in the manifest).
  std::string controller_listener;
  std::vector<std::string> controllers;

  bool operator==(const KafkaServerSettings&) const = default;

  std::string ListenerName() const;
  int Port() const;
};

// A listener name as Kafka takes it: letters, digits and '_', upper-cased;
// kInvalidArgument otherwise.
Result<std::string> ParseListenerName(std::string_view text);

// The principal Kafka's default principal builder gives a client
// certificate with `subject` (X500Principal.getName(), RFC 2253, through
// ssl.principal.mapping.rules=DEFAULT), without the "User:" prefix.
std::string KafkaPrincipalName(const DistinguishedName& subject);

// As certmint.json records it, and back (kInvalidData for a malformed one).
nlohmann::json KafkaSettingsJson(const KafkaServerSettings& settings);
Result<KafkaServerSettings> ParseKafkaSettingsJson(const nlohmann::json& json);

}  // namespace certmint
