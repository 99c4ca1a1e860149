// The inventory report as one self-contained HTML page: inline CSS, an
// inline script and SVG drawn by it, no network fetch of any kind (its
// Content-Security-Policy allows none). The data travel as JSON in a
// <script type="application/json"> block with '<', '>' and '&' escaped as
// \u003c, \u003e and \u0026, so no byte of a certificate can end the block;
// the script puts every value into the page with textContent only, so a
// name, SAN or subject carrying markup shows as text. What it shows: the
// CA(s) with expiry and rotation state, counts by status and role, tokens,
// an expiry timeline (one mark per valid certificate, the renewal window
// and today shaded), a sortable, filterable table and the revoked
// certificates. Printable, phone-width and dark-mode friendly.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "report/inventory_report.h"

namespace certmint {

// The page for `report` (InventoryReportJson embedded).
std::string InventoryReportHtml(const InventoryReport& report);

// The page around already rendered report JSON (InventoryReportJson). The
// page leaves out what it does not show (each certificate's fingerprint,
// not_before and issued_at), to stay small at 10,000 certificates.
std::string ReportPageHtml(nlohmann::json report_json);

// `json` dumped for a <script> block: '<', '>' and '&' as \u003c, \u003e,
// \u0026 (they occur in JSON only inside strings, where those escapes mean
// the same characters), invalid UTF-8 replaced.
std::string ScriptSafeJson(const nlohmann::json& json);

// The Content-Security-Policy of the page: nothing from anywhere but the
// page's own style and script, by their SHA-256; also sent as a header by
// the service's /ui/.
std::string ReportContentSecurityPolicy();

}  // namespace certmint
