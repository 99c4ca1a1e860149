#include "server/serve_text.h"

#include <gtest/gtest.h>

#include <vector>

namespace certmint {
namespace {

TEST(ServeConsoleTest, LogOnStderrListenersOnStdout) {
  std::vector<ConsoleText> printed;
  ServeConfig config;
  config.server.host = "127.0.0.1";
  config.admin_listen = std::pair<std::string, int>{"::1", 0};
  ConnectServeConsole(config, [&](const ConsoleText& t) { printed.push_back(t); });
  ASSERT_TRUE(config.log && config.server.log && config.listening && config.admin_listening &&
              config.status_listening);
  config.log("{\"event\":\"x\"}");
  ASSERT_EQ(printed.size(), 1u);
  EXPECT_EQ(printed[0].err, "{\"event\":\"x\"}\n");
  EXPECT_TRUE(printed[0].out.empty());
  config.admin_listening(9000);
  EXPECT_EQ(printed.back().out, RenderAdminListening("::1", 9000));
  EXPECT_EQ(printed.back().out,
            "Admin listener on http://::1:9000/ui/ (loopback only; /metrics too)\n");

  ServeConfig quiet;
  quiet.quiet = true;
  ConnectServeConsole(quiet, [](const ConsoleText&) {});
  EXPECT_TRUE(quiet.log);
  EXPECT_FALSE(quiet.server.log);  // no access log
}

}  // namespace
}  // namespace certmint
