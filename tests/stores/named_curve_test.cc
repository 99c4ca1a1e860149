// Issue 19 item 11 on the key paths: an EC key with explicit curve
// parameters (RFC 5480 forbids them; Java cannot read them) never enters a
// store: not from a key file (keystore import-key, keystore install), not
// through convert, not through any store writer; verify's Java-algorithms
// check fails on one.
#include <gtest/gtest.h>

#include "core/fs.h"
#include "stores/convert.h"
#include "stores/store_edit.h"
#include "stores/store_io.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "verify/verify.h"

namespace certmint {
namespace {

using testing::RunProcess;
using testing::TempDir;

// The reproduction: openssl ecparam -name prime256v1 -param_enc
// explicit -genkey -noout | openssl pkcs8 -topk8 -nocrypt > ex.key;
// openssl req -x509 -new -key ex.key -subj /CN=x > ex.crt.
struct ExplicitKey {
  TempDir dir;
  std::string key_path = dir / "ex.key";
  std::string cert_path = dir / "ex.crt";
  ExplicitKey() {
    auto gen = RunProcess({"openssl", "ecparam", "-name", "prime256v1", "-param_enc", "explicit",
                           "-genkey", "-noout", "-out", dir / "trad.key"});
    auto p8 = RunProcess(
        {"openssl", "pkcs8", "-topk8", "-nocrypt", "-in", dir / "trad.key", "-out", key_path});
    auto crt = RunProcess(
        {"openssl", "req", "-x509", "-new", "-key", key_path, "-subj", "/CN=x", "-out", cert_path});
    EXPECT_EQ(gen.exit_code + p8.exit_code + crt.exit_code, 0) << gen.err << p8.err << crt.err;
  }
  // The key and certificate as a store, read without any check (as the
  // readers read a store made elsewhere).
  KeyStore Store() const {
    auto store =
        ReadStore(testing::ReadTextFile(key_path) + testing::ReadTextFile(cert_path), nullptr);
    EXPECT_TRUE(store) << store.error().ToString();
    return store ? std::move(*store) : KeyStore{};
  }
};

void ExpectExplicitRefusal(const Status& st, const std::string& names) {
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), ErrorCode::kInvalidData) << st.error().ToString();
  EXPECT_NE(st.error().ToString().find("explicit curve parameters"), std::string::npos)
      << st.error().ToString();
  EXPECT_NE(st.error().ToString().find(names), std::string::npos) << st.error().ToString();
}

TEST(NamedCurveTest, KeyFileWithExplicitParametersIsRefused) {
  ExplicitKey ex;
  auto key = LoadPrivateKeyFile(ex.key_path, nullptr);
  ExpectExplicitRefusal(key ? Status{} : Status(tl::unexpected(key.error())), ex.key_path);
}

TEST(NamedCurveTest, NoStoreWriterWritesOne) {
  ExplicitKey ex;
  const KeyStore store = ex.Store();
  ASSERT_EQ(store.keys.size(), 1u);
  ExpectExplicitRefusal(CheckNamedCurves(store), "entry '" + store.keys[0].alias + "'");
  const SecretString pw("store-password");
  for (auto format :
       {StoreFormat::kJks, StoreFormat::kPkcs12, StoreFormat::kPem, StoreFormat::kPemPlain}) {
    SCOPED_TRACE(StoreFormatName(format));
    auto out = WriteStore(store, format, pw, StoreWriteOptions{});
    ExpectExplicitRefusal(out ? Status{} : Status(tl::unexpected(out.error())), "entry");
  }
  // A truststore holding such a certificate is refused as well.
  KeyStore trust;
  trust.trusted.push_back({"x", store.keys[0].chain[0], TimePoint{}});
  ExpectExplicitRefusal(CheckNamedCurves(trust), "trusted certificate 'x'");
}

TEST(NamedCurveTest, ConvertRefusesNamingTheInputAndWritesNothing) {
  ExplicitKey ex;
  const std::string in = ex.dir / "in.pem";
  ASSERT_TRUE(fs::WriteFileAtomic(
      in, testing::ReadTextFile(ex.key_path) + testing::ReadTextFile(ex.cert_path),
      fs::kPrivateFile));
  ConvertRequest request;
  request.in = in;
  request.out = ex.dir / "out.p12";
  request.to = StoreFormat::kPkcs12;
  request.passwords = [] {
    ConvertPasswords p;
    p.out.emplace("store-password");
    return Result<ConvertPasswords>(std::move(p));
  };
  auto r = ConvertStoreFile(request);
  ExpectExplicitRefusal(r ? Status{} : Status(tl::unexpected(r.error())), in);
  EXPECT_FALSE(fs::Exists(request.out));
}

TEST(NamedCurveTest, NamedCurveKeysStillPass) {
  auto key = PrivateKey::Generate(KeySpec{KeyAlgorithm::kEc, 0, "P-256"});
  ASSERT_TRUE(key);
  EXPECT_TRUE(CheckNamedCurve(key->native()));
}

TEST(NamedCurveTest, VerifyFailsJavaAlgorithmsOnExplicitCurves) {
  ExplicitKey ex;
  StorePair pair;
  pair.keystore_label = "keystore.pem";
  pair.truststore_label = "truststore.pem";
  pair.keystore = ex.Store();
  pair.truststore.trusted.push_back({"caroot", pair.keystore.keys[0].chain[0], TimePoint{}});
  bool seen = false;
  for (const auto& c : VerifyStorePair(pair, VerifyOptions{})) {
    if (c.id == "java_algorithms") {
      seen = true;
      EXPECT_EQ(c.status, CheckStatus::kFail) << c.detail;
      EXPECT_NE(c.detail.find("explicit"), std::string::npos) << c.detail;
    }
  }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace certmint
