// random_token.h — a secret for the dashboard's URL: 192 random bits as hex.
//
// From the kernel's random source (getrandom), like Jupyter's token: long enough
// that guessing is hopeless, and only [0-9a-f], so it goes into a URL, a header and a
// cookie as it is.
#pragma once

#include <string>

namespace calmon::daemon {

// 48 hex digits. Throws calmon::Error if the system has no randomness to give.
std::string random_token();

}  // namespace calmon::daemon
