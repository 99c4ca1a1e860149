// A small CA and node identity for store tests.
#pragma once

#include "keys/private_key.h"
#include "stores/keystore.h"
#include "x509/issue.h"

namespace certmint::testing {

struct StoreFixture {
  PrivateKey ca_key = PrivateKey::Generate(DefaultKeySpec()).value();
  Certificate ca =
      SelfSignCa(*MakeKeySigner(ca_key), CaProfile{DistinguishedName::Parse("CN=Store CA").value(),
                                                   30,
                                                   std::chrono::system_clock::now(),
                                                   {}})
          .value();
  PrivateKey node_key = PrivateKey::Generate(DefaultKeySpec()).value();
  Certificate node = Leaf("node-1");

  // A certificate of node_key for CN=`cn` (DNS `cn`.example), signed by ca.
  Certificate Leaf(const std::string& cn) const {
    LeafProfile p;
    p.subject = DistinguishedName::CommonName(cn).value();
    p.sans.AddDns(cn + ".example");
    return SignLeaf(ca, *MakeKeySigner(ca_key), node_key.native(), p).value();
  }

  KeyStore Keystore() const {
    KeyStore s;
    s.keys.push_back({"Node-1", node_key, {node, ca}, {}});
    s.trusted.push_back({"CARoot", ca, {}});
    return s;
  }
  KeyStore Truststore() const {
    KeyStore s;
    s.trusted.push_back({"caroot", ca, {}});
    return s;
  }
};

}  // namespace certmint::testing
