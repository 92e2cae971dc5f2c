// sanitizer_build.h — whether these tests run instrumented by ASan or TSan (tools/sanitize).
//
// Instrumented code runs several times slower, so the few tests that also bound how long
// something takes check only their results there; everything else is the same.
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
