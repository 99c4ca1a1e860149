#include "support/test_ca.h"


namespace certmint::testing {

CaInitOptions FastCaOptions(std::string_view cn) {
  CaInitOptions o;
  o.subject = DistinguishedName::CommonName(cn).value();
  o.kdf_iterations = 1000;
  return o;
}

}  // namespace certmint::testing
