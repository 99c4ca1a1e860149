// The report page's fixed parts (report_html.h puts the data between them).
#pragma once

#include <string_view>

namespace certmint::report_page {

extern const std::string_view kStyle;   // the <style> element's text
extern const std::string_view kBody;    // the markup the script fills in
extern const std::string_view kScript;  // the inline <script>'s text

}  // namespace certmint::report_page
