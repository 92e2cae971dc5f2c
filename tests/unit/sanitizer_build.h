// sanitizer_build.h — whether these tests run instrumented by ASan or TSan (tools/sanitize).
//
// Their shadow memory reserves terabytes of address space, so a test that runs a program
// under a small address-space limit (ulimit -v, to show it never allocates what a file
// claims) runs it without the limit there; everything else is the same.
#pragma once

namespace calmon::test {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)  // g++
inline constexpr bool kSanitizerBuild = true;
#elif defined(__has_feature)  // clang
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kSanitizerBuild = true;
#else
inline constexpr bool kSanitizerBuild = false;
#endif
#else
inline constexpr bool kSanitizerBuild = false;
#endif

}  // namespace calmon::test
