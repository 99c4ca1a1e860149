#include "report/report_html.h"

#include <openssl/evp.h>

#include "core/encoding.h"
#include "report/report_page.h"

namespace certmint {
namespace {

// A CSP source for an inline element: 'sha256-<base64 of its text's digest>'
// (CSP Level 2, §4.2.4).
std::string HashSource(std::string_view text) {
  const std::string digest = Sha256(text);
  std::string b64(4 * ((digest.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                reinterpret_cast<const unsigned char*>(digest.data()),
                                static_cast<int>(digest.size()));
  b64.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return "'sha256-" + b64 + "'";
}

}  // namespace

std::string ScriptSafeJson(const nlohmann::json& json) {
  const std::string dumped = json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(dumped.size() + dumped.size() / 16);
  for (const char c : dumped) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string ReportContentSecurityPolicy() {
  static const std::string policy =
      "default-src 'none'; style-src " + HashSource(report_page::kStyle) + "; script-src " +
      HashSource(report_page::kScript) + "; img-src data:; base-uri 'none'; form-action 'none'";
  return policy;
}

std::string ReportPageHtml(nlohmann::json report_json) {
  if (auto certificates = report_json.find("certificates"); certificates != report_json.end()) {
    for (auto& c : *certificates) {
      for (const char* unshown : {"sha256_fingerprint", "not_before", "issued_at"}) {
        c.erase(unshown);
      }
    }
  }
  const std::string data = ScriptSafeJson(report_json);
  std::string page;
  page.reserve(data.size() + 16 * 1024);
  page += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += "<meta http-equiv=\"Content-Security-Policy\" content=\"";
  page += ReportContentSecurityPolicy();
  page += "\">\n<meta name=\"color-scheme\" content=\"light dark\">\n";
  page += "<title>certmint: certificate inventory</title>\n<style>";
  page += report_page::kStyle;
  page += "</style></head>\n<body>";
  page += report_page::kBody;
  page += "<script type=\"application/json\" id=\"report-data\">";
  page += data;
  page += "</script>\n<script>";
  page += report_page::kScript;
  page += "</script>\n</body></html>\n";
  return page;
}

std::string InventoryReportHtml(const InventoryReport& report) {
  return ReportPageHtml(InventoryReportJson(report));
}

}  // namespace certmint
