#include "cmdline/output.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "cmdline/discover.h"
#include "core/json_value.h"

namespace certmint::cmdline {
namespace {
bool json_document_printed = false;
}  // namespace

std::string JsonText(const nlohmann::json& json) {
  return json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

void PrintJson(const std::string& json) {
  std::cout << json << "\n";
  json_document_printed = true;
}
void PrintJson(const nlohmann::json& json) { PrintJson(JsonText(json)); }
void PrintResult(bool json, const std::string& json_value, const std::string& text) {
  if (json) {
    PrintJson(json_value);
  } else {
    std::cout << text;
  }
}
void PrintResult(bool json, const nlohmann::json& json_value, const std::string& text) {
  PrintResult(json, json ? JsonText(json_value) : std::string(), text);
}

bool JsonDocumentPrinted() { return json_document_printed; }

bool WantsJson(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") {
      return false;
    }
    if (arg == "--json") {
      return true;
    }
  }
  return false;
}

int ReportError(std::string_view program, const Error& e, bool json, bool verbose) {
  if (json && !json_document_printed) {
    PrintJson(ErrorJson(e));
  }
  std::cerr << program << ": error: " << e.ToString() << "\n";
  if (verbose && !e.openssl_detail().empty()) {
    std::cerr << program << ": OpenSSL said:\n" << e.openssl_detail() << "\n";
  }
  return static_cast<int>(e.code());
}

int ReportParseError(CLI::App& app, const CLI::ParseError& e, bool json) {
  if (json) {
    PrintJson(ErrorJson(Error(ErrorCode::kInvalidArgument, ParseErrorLine(app, e))));
  }
  std::cerr << ParseErrorText(app, e);
  return static_cast<int>(ErrorCode::kInvalidArgument);
}

}  // namespace certmint::cmdline
