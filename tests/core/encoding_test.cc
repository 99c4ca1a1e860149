#include "core/encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace certmint {
namespace {

TEST(EncodingTest, AsciiLowerChangesAsciiLettersOnly) {
  EXPECT_EQ(AsciiLower("Broker-1.KAFKA.example.COM"), "broker-1.kafka.example.com");
  EXPECT_EQ(AsciiLower("CARoot"), "caroot");
  // Bytes outside A-Z (digits, punctuation, UTF-8) stay as they are.
  const std::string utf8 = "\xC3\x84pfel 0-9 [@]";
  EXPECT_EQ(AsciiLower(utf8), "\xC3\x84pfel 0-9 [@]");
  EXPECT_EQ(AsciiLower(""), "");
}

TEST(EncodingTest, HexIsUpperCaseAndHexColonSeparatesBytes) {
  EXPECT_EQ(Hex(std::string("\x01\xAB\xff", 3)), "01ABFF");
  EXPECT_EQ(HexColon(std::string("\x01\xAB\xff", 3)), "01:AB:FF");
}

TEST(EncodingTest, ParseUtcReadsWhatFormatUtcWrites) {
  const TimePoint t =
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 30} + std::chrono::hours(3);
  EXPECT_EQ(ParseUtc(FormatUtc(t)), t);
  EXPECT_FALSE(ParseUtc("2026-11-30"));
  EXPECT_FALSE(ParseUtc("2026-11-30T03:00:00Z trailing"));
  EXPECT_FALSE(ParseUtc(""));
}

TEST(EncodingTest, EscapeControlsKeepsOneLineAndLeavesTextAlone) {
  EXPECT_EQ(EscapeControls("a\nb\x1b[31mc\x7f"), "a\\x0ab\\x1b[31mc\\x7f");
  EXPECT_EQ(EscapeControls("csi \xc2\x9b"
                           "31m"),
            "csi \\u009b31m");  // the 8-bit CSI
  // Valid UTF-8, backslashes and what PrintableBytes escaped stay as they are.
  EXPECT_EQ(EscapeControls("caf\xc3\xa9 C:\\x \xc2\xa0"), "caf\xc3\xa9 C:\\x \xc2\xa0");
  EXPECT_EQ(EscapeControls(PrintableBytes("a\nb")), PrintableBytes("a\nb"));
}

}  // namespace
}  // namespace certmint
