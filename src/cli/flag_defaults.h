// certmint's flags that take defaults (cmdline/flag_defaults.h), so that a
// session of commands need not repeat them: --dir and --ca-password-file
// everywhere; --out and --password-file where they name the identity
// directories and their store password. From $CERTMINT_DIR, $CERTMINT_OUT,
// or certmint.yaml's keys dir, out, ca_password_file and password_file
// ($CERTMINT_CONFIG names another file than the nearest certmint.yaml).
#pragma once

#include "cmdline/flag_defaults.h"

namespace certmint::cli {

cmdline::DefaultsSpec CertmintFlagDefaults();

}  // namespace certmint::cli
