#include "stores/pkcs12.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "core/ossl.h"
#include "stores/pem_store.h"
#include "stores/store_fixture.h"
#include "stores/store_io.h"
#include "support/pbe_rewrite.h"

namespace certmint {
namespace {

using testing::StoreFixture;

const SecretString kPassword("changeit");

// The bags of a PKCS#12 file: (friendlyName, has localKeyId, has the trust attribute).
struct BagView {
  bool is_key;
  std::string name;
  bool local_key_id;
  bool trusted;
};

std::vector<BagView> Bags(const std::string& der, const char* pass) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<PKCS12, ossl::Deleter<PKCS12_free>> p12(
      d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));
  std::vector<BagView> out;
  STACK_OF(PKCS7)* safes = PKCS12_unpack_authsafes(p12.get());
  for (int i = 0; i < sk_PKCS7_num(safes); ++i) {
    PKCS7* p7 = sk_PKCS7_value(safes, i);
    STACK_OF(PKCS12_SAFEBAG)* bags = OBJ_obj2nid(p7->type) == NID_pkcs7_data
                                         ? PKCS12_unpack_p7data(p7)
                                         : PKCS12_unpack_p7encdata(p7, pass, -1);
    for (int j = 0; j < sk_PKCS12_SAFEBAG_num(bags); ++j) {
      PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags, j);
      char* name = PKCS12_get_friendlyname(bag);
      bool trusted = false;
      const STACK_OF(X509_ATTRIBUTE)* attrs = PKCS12_SAFEBAG_get0_attrs(bag);
      for (int k = 0; k < sk_X509_ATTRIBUTE_num(attrs); ++k) {
        char oid[64];
        OBJ_obj2txt(oid, sizeof(oid), X509_ATTRIBUTE_get0_object(sk_X509_ATTRIBUTE_value(attrs, k)),
                    1);
        trusted |= std::string(oid) == "2.16.840.1.113894.746875.1.1";
      }
      out.push_back({PKCS12_SAFEBAG_get_nid(bag) != NID_certBag, name ? name : "",
                     PKCS12_SAFEBAG_get0_attr(bag, NID_localKeyID) != nullptr, trusted});
      OPENSSL_free(name);
    }
    sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
  }
  sk_PKCS7_pop_free(safes, PKCS7_free);
  return out;
}

TEST(Pkcs12Test, TrustAttributeOnCaBagsOnly) {
  StoreFixture f;
  auto der = WritePkcs12(f.Keystore(), kPassword, {}).value();
  auto bags = Bags(der, "changeit");
  ASSERT_EQ(bags.size(), 3u);
  int keys = 0;
  for (const auto& b : bags) {
    if (b.is_key) {
      ++keys;
      EXPECT_EQ(b.name, "node-1");
      EXPECT_TRUE(b.local_key_id);
      EXPECT_FALSE(b.trusted);
    } else if (b.name == "node-1") {
      EXPECT_TRUE(b.local_key_id) << "the leaf is linked to its key";
      EXPECT_FALSE(b.trusted) << "never the trust attribute on a key's own certificate";
    } else {
      EXPECT_EQ(b.name, "caroot");
      EXPECT_TRUE(b.trusted);
      EXPECT_FALSE(b.local_key_id) << "a trusted-cert bag carries no localKeyId";
    }
  }
  EXPECT_EQ(keys, 1);
}

class Pkcs12ProfileTest : public ::testing::TestWithParam<Pkcs12Profile> {};

TEST_P(Pkcs12ProfileTest, RoundTrip) {
  StoreFixture f;
  auto der = WritePkcs12(f.Keystore(), kPassword, Pkcs12Options{GetParam(), false});
  ASSERT_TRUE(der) << der.error().ToString();
  auto store = ReadPkcs12(*der, &kPassword);
  ASSERT_TRUE(store) << store.error().ToString();
  ASSERT_EQ(store->keys.size(), 1u);
  EXPECT_EQ(store->keys[0].alias, "node-1");
  EXPECT_EQ(store->keys[0].chain.size(), 2u);
  ASSERT_EQ(store->trusted.size(), 1u);
  EXPECT_EQ(store->trusted[0].alias, "caroot");
  EXPECT_TRUE(store->loose_certificates.empty());

  SecretString wrong("changeiT");
  auto bad = ReadPkcs12(*der, &wrong);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kBadPassword);
  EXPECT_EQ(bad.error().message(), "integrity check failed: wrong password or corrupted file");
}

INSTANTIATE_TEST_SUITE_P(Profiles, Pkcs12ProfileTest,
                         ::testing::Values(Pkcs12Profile::kModern, Pkcs12Profile::kLegacy));

TEST(Pkcs12Test, PasswordlessTruststoreHasNoMacAndReadsWithoutPassword) {
  StoreFixture f;
  auto der =
      WritePkcs12(f.Truststore(), kPassword, Pkcs12Options{Pkcs12Profile::kModern, true}).value();
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<PKCS12, ossl::Deleter<PKCS12_free>> p12(
      d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));
  EXPECT_EQ(PKCS12_mac_present(p12.get()), 0);
  auto store = ReadPkcs12(der, nullptr);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->trusted.size(), 1u);
  EXPECT_TRUE(store->integrity_unchecked);

  EXPECT_FALSE(WritePkcs12(f.Keystore(), kPassword, Pkcs12Options{Pkcs12Profile::kModern, true}))
      << "a store with keys is never passwordless";
}

TEST(Pkcs12Test, DefaultTruststoreIsEmptyWithoutPassword) {
  StoreFixture f;
  auto der = WritePkcs12(f.Truststore(), kPassword, {}).value();
  auto store = ReadPkcs12(der, nullptr);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->size(), 0u) << "encrypted safes are skipped, as Java does";
}

TEST(Pkcs12Test, CorruptInputIsACleanError) {
  StoreFixture f;
  auto der = WritePkcs12(f.Keystore(), kPassword, {}).value();
  for (size_t len = 0; len < der.size(); len += 7) {
    ASSERT_FALSE(ReadPkcs12(std::string_view(der).substr(0, len), &kPassword)) << len;
  }
  for (size_t i = 0; i < der.size(); i += 3) {
    std::string bad = der;
    bad[i] ^= 0x40;
    auto r = ReadPkcs12(bad, &kPassword);
    if (r) {
      // A flip inside a DER length/tag OpenSSL tolerates must still give the
      // same entries, never a different key.
      ASSERT_EQ(r->keys.size(), 1u) << i;
    }
  }
}

// A MAC claiming more iterations than Java allows is refused before it is
// computed (the count is forged into the file; nothing derives it).
TEST(Pkcs12Test, AbsurdIterationCountIsRefused) {
  StoreFixture f;
  auto der = WritePkcs12(f.Truststore(), kPassword, {}).value();
  auto forged = testing::Pkcs12WithIterations(der, "changeit", {0, 0, 6000000});
  auto r = ReadPkcs12(forged, &kPassword);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().ToString().find("iteration count 6000000 is above certmint's limit"),
            std::string::npos)
      << r.error().ToString();
}

TEST(PemStoreTest, RoundTrip) {
  StoreFixture f;
  auto pem = WritePemKeystore(f.Keystore(), kPassword).value();
  EXPECT_EQ(pem.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0), 0u) << "PKCS#8, for Kafka";
  auto store = ReadPemStore(pem, &kPassword);
  ASSERT_TRUE(store) << store.error().ToString();
  ASSERT_EQ(store->keys.size(), 1u);
  EXPECT_EQ(store->keys[0].alias, "node-1");
  EXPECT_EQ(store->keys[0].chain.size(), 2u);
  auto ts = ReadPemStore(WritePemTruststore(f.Truststore()).value(), nullptr).value();
  ASSERT_EQ(ts.trusted.size(), 1u);
  EXPECT_EQ(ts.trusted[0].alias, "store ca");
}

// The java profile encrypts the key with PKCS#12's 3DES scheme, by the OID
// Java's EncryptedPrivateKeyInfo names "PBEWithSHA1AndDESede"; the default
// with PBES2. Both read back with the password and only with it.
TEST(PemStoreTest, ProfilesChooseTheKeyEncryption) {
  StoreFixture f;
  auto scheme_of = [](const std::string& pem) {
    ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    ossl::X509SigPtr sig(PEM_read_bio_PKCS8(bio.get(), nullptr, nullptr, nullptr));
    EXPECT_TRUE(sig);
    const X509_ALGOR* alg = nullptr;
    X509_SIG_get0(sig.get(), &alg, nullptr);
    const ASN1_OBJECT* oid = nullptr;
    X509_ALGOR_get0(&oid, nullptr, nullptr, alg);
    return OBJ_obj2nid(oid);
  };
  StoreWriteOptions java;
  java.pem = PemProfile::kJava;
  for (const auto& [options, nid] : {std::pair<StoreWriteOptions, int>{{}, NID_pbes2},
                                     {java, NID_pbe_WithSHA1And3_Key_TripleDES_CBC}}) {
    auto pem = WriteStore(f.Keystore(), StoreFormat::kPem, kPassword, options).value();
    EXPECT_EQ(scheme_of(pem), nid);
    auto back = ReadPemStore(pem, &kPassword);
    ASSERT_TRUE(back) << back.error().ToString();
    EXPECT_TRUE(back->keys[0].chain[0].MatchesKey(back->keys[0].key));
    const SecretString wrong("wrong-password");
    EXPECT_FALSE(ReadPemStore(pem, &wrong));
  }
  EXPECT_EQ(ParsePemProfile("java").value(), PemProfile::kJava);
  EXPECT_FALSE(ParsePemProfile("legacy"));
}

// A PEM keystore's certificates all read as the key's chain: a trusted
// entry outside it would be sent to peers, so it is refused, while the CA a
// JKS keystore lists both in the chain and as caroot is fine.
TEST(PemStoreTest, KeystoreRefusesTrustedEntriesOutsideTheChain) {
  StoreFixture f;
  EXPECT_TRUE(WritePemKeystore(f.Keystore(), kPassword)) << "caroot is in the chain";
  StoreFixture other;
  KeyStore s = f.Keystore();
  s.trusted.push_back({"other", other.ca, {}});
  auto r = WritePemKeystore(s, kPassword);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("trusted certificate 'other' is not in it"), std::string::npos)
      << r.error().message();
}

// ReadStore says how a file is protected, so that edits can keep it.
TEST(StoreIoTest, ReadReportsHowTheStoreIsProtected) {
  StoreFixture f;
  StoreWriteOptions legacy;
  legacy.pkcs12.profile = Pkcs12Profile::kLegacy;
  StoreWriteOptions open;
  open.pkcs12.passwordless = true;
  StoreWriteOptions java;
  java.pem = PemProfile::kJava;
  struct Case {
    KeyStore store;
    StoreFormat format;
    StoreWriteOptions written;
  } cases[] = {
      {f.Keystore(), StoreFormat::kPkcs12, {}},     {f.Keystore(), StoreFormat::kPkcs12, legacy},
      {f.Truststore(), StoreFormat::kPkcs12, open}, {f.Keystore(), StoreFormat::kPem, {}},
      {f.Keystore(), StoreFormat::kPem, java},
  };
  for (const auto& c : cases) {
    auto data = WriteStore(c.store, c.format, kPassword, c.written).value();
    StoreWriteOptions form;
    form.pkcs12.profile = c.written.pkcs12.profile == Pkcs12Profile::kLegacy
                              ? Pkcs12Profile::kModern
                              : Pkcs12Profile::kLegacy;  // must be overwritten for PKCS#12
    StoreFormat format{};
    ASSERT_TRUE(ReadStore(data, &kPassword, &format, &form));
    EXPECT_EQ(format, c.format);
    if (c.format == StoreFormat::kPkcs12) {
      EXPECT_EQ(form.pkcs12.profile, c.written.pkcs12.profile);
      EXPECT_EQ(form.pkcs12.passwordless, c.written.pkcs12.passwordless);
    } else {
      EXPECT_EQ(form.pem, c.written.pem);
    }
  }
  EXPECT_EQ(PemProfileOf(WritePemTruststore(f.Truststore()).value()), PemProfile::kModern);
}

TEST(StoreIoTest, DetectsFormats) {
  StoreFixture f;
  EXPECT_EQ(DetectStoreFormat(WriteStore(f.Keystore(), StoreFormat::kJks, kPassword, {}).value()),
            StoreFormat::kJks);
  EXPECT_EQ(
      DetectStoreFormat(WriteStore(f.Keystore(), StoreFormat::kPkcs12, kPassword, {}).value()),
      StoreFormat::kPkcs12);
  EXPECT_EQ(DetectStoreFormat(WriteStore(f.Keystore(), StoreFormat::kPem, kPassword, {}).value()),
            StoreFormat::kPem);
  EXPECT_EQ(DetectStoreFormat(std::string("\xCE\xCE\xCE\xCE", 4)), StoreFormat::kJceks);
  EXPECT_FALSE(DetectStoreFormat("hello"));
  EXPECT_FALSE(DetectStoreFormat(f.ca.ToDer())) << "a certificate is no PKCS#12";
  EXPECT_FALSE(WriteStore(f.Keystore(), StoreFormat::kJceks, kPassword, {}));
}

TEST(StoreIoTest, EditsFollowJavaAliasRules) {
  StoreFixture f;
  KeyStore s = f.Truststore();
  auto dup = AddTrustedCertificate(s, "CARoot", f.ca, TimePoint{});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  ASSERT_TRUE(AddKeyEntry(s, "Node", f.node_key, {f.node, f.ca}, TimePoint{}));
  EXPECT_EQ(s.keys[0].alias, "node");
  EXPECT_FALSE(AddKeyEntry(s, "other", f.node_key, {f.ca}, TimePoint{}))
      << "chain must start with the key's cert";
  ASSERT_TRUE(DeleteEntry(s, "NODE"));
  EXPECT_EQ(DeleteEntry(s, "node").error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace certmint
