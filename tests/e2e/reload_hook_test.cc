// Issue 21, item 4: a running JSSE server that reloads its keystore when
// told (as a Kafka broker does on `kafka-configs.sh --alter`) presents the
// renewed certificate once the reload hook ran; a failing hook is reported,
// leaves the renewal in place, and `renew --daemon` runs it again.
#include <sys/stat.h>

#include <chrono>
#include <thread>

#include "e2e/service_fixture.h"

namespace certmint::testing {
namespace {

class ReloadHookTest : public ServiceTest {
 protected:
  // The serial the server on `port` presents (openssl s_client), "" if none.
  std::string PresentedSerial(const std::string& port) {
    auto r = RunProcess({"sh", "-c",
                         "openssl s_client -connect 127.0.0.1:" + port +
                             " </dev/null 2>/dev/null | openssl x509 -noout -serial"});
    return r.out;
  }
  std::string FileSerial() {
    return Openssl({"x509", "-noout", "-serial", "-in", Path("nodes/broker-1/broker-1.crt")}).out;
  }
  std::string PortFrom(const std::string& line) { return line.substr(line.rfind(' ') + 1); }
};

TEST_F(ReloadHookTest, JsseServerPresentsTheRenewalAfterTheHook) {
  StartServer();
  CreateToken("broker-1", {"--ip", "127.0.0.1"});
  ASSERT_EQ(Enroll("broker-1").exit_code, 0);
  BackgroundProcess jsse({CERTMINT_JAVA, "-cp", CERTMINT_JAVA_CLASSES, "ReloadingTlsServer",
                          Path("nodes/broker-1/keystore.jks"), "JKS", Path("store.pass")},
                         dir_.path());
  const std::string tls_port = PortFrom(jsse.WaitForLine("TLS PORT"));
  const std::string control_port = PortFrom(jsse.WaitForLine("CONTROL PORT"));
  ASSERT_FALSE(control_port.empty()) << jsse.output();
  const std::string first = FileSerial();
  ASSERT_EQ(PresentedSerial(tls_port), first);

  // The recipe of docs/renewal.md, with the control port standing in for
  // kafka-configs.sh --alter: tell the server, fail when it says it failed.
  WriteTextFile(
      Path("reload.sh"),
      "#!/bin/bash\nset -e\necho \"$CERTMINT_EVENT $CERTMINT_IDENTITY $CERTMINT_SERIAL\" "
      ">> hook.log\nexec 3<>/dev/tcp/127.0.0.1/" +
          control_port +
          "\necho reload >&3\nread -r answer <&3\necho \"$answer\"\n[ \"${answer%% *}\" = ok ]\n");
  ASSERT_EQ(chmod(Path("reload.sh").c_str(), 0755), 0);

  // A failing hook: the renewal stands (exit 0), the failure is reported on
  // stderr, the server still presents the old certificate.
  auto failed = Certmint({"renew", "broker-1", "--server", url_, "--out", "nodes",
                          "--password-file", "store.pass", "--exec", "echo broken >&2; exit 7"});
  EXPECT_EQ(failed.exit_code, 0) << failed.err;
  EXPECT_NE(failed.err.find("reload hook for broker-1 (renewed): exited with status 7; pending"),
            std::string::npos)
      << failed.err;
  const std::string second = FileSerial();
  EXPECT_NE(second, first);
  EXPECT_EQ(PresentedSerial(tls_port), first) << "nothing told the server yet";
  EXPECT_TRUE(std::filesystem::exists(Path("nodes/broker-1/.certmint-hook-pending")));

  // The daemon: broker-1 is not due, but its hook is pending, so it runs
  // the (now working) hook, and the server presents the renewal.
  BackgroundProcess daemon(
      {CERTMINT_BINARY, "renew", "broker-1", "--server", url_, "--out", "nodes", "--daemon",
       "--password-file", "store.pass", "--exec", "./reload.sh"},
      dir_.path());
  EXPECT_FALSE(daemon.WaitForLine("reload hook for broker-1 (retry): succeeded").empty())
      << daemon.output();
  EXPECT_FALSE(jsse.WaitForLine("RELOADED").empty()) << jsse.output();
  EXPECT_EQ(PresentedSerial(tls_port), second);
  EXPECT_FALSE(std::filesystem::exists(Path("nodes/broker-1/.certmint-hook-pending")));
  EXPECT_EQ(daemon.Stop(SIGTERM), 0) << daemon.output();
  const std::string log = ReadTextFile(Path("hook.log"));
  EXPECT_NE(log.find("retry broker-1 "), std::string::npos) << log;
  EXPECT_EQ(jsse.Stop(SIGTERM), 128 + SIGTERM);
}

// The JSON of a local renewal carries the hook's outcome; the exit code
// stays the renewal's.
TEST_F(ReloadHookTest, LocalRenewReportsTheHookInJson) {
  StartServer();
  CreateToken("broker-1", {"--ip", "127.0.0.1"});
  ASSERT_EQ(Enroll("broker-1").exit_code, 0);
  auto r = Certmint({"renew", "broker-1", "--dir", "pki", "--out", "nodes", "--password-file",
                     "store.pass", "--ca-password-file", "ca.pass", "--json", "--exec", "sleep 5",
                     "--exec-timeout", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["hooks"].size(), 1u) << r.out;
  EXPECT_EQ(j["hooks"][0]["timed_out"], true);
  EXPECT_EQ(j["hooks"][0]["pending"], true);
  EXPECT_NE(r.err.find("timed out"), std::string::npos) << r.err;
  // The next local renew run retries it for every identity under --out.
  auto again = Certmint({"renew", "--expiring", "1", "--dir", "pki", "--out", "nodes",
                         "--ca-password-file", "ca.pass", "--exec", "true"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("reload hook for broker-1 (retry): succeeded"), std::string::npos)
      << again.out;
  EXPECT_FALSE(std::filesystem::exists(Path("nodes/broker-1/.certmint-hook-pending")));
}

}  // namespace
}  // namespace certmint::testing
