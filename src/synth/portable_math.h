// portable_math.h — exp, log and sin that give the same bits on every machine.
//
// The synthetic movie promises identical bytes across runs, compilers and machines. The
// C library's exp/log/sin are only "within an ulp or so", differ between libm versions
// and even between the FMA and non-FMA code paths one glibc picks at run time; one ulp
// in a Poisson mean can flip a rejection test and change every later pixel of a frame.
// These versions use only +, -, *, / (the build forbids FMA contraction), sqrt and
// exact power-of-two scaling, all of which IEEE 754 rounds the same everywhere.
// Accuracy is a few ulps — plenty for a simulation, and the same everywhere.
#pragma once

namespace calmon::synth {

// e^x; 0 below about -745, +inf above about 709.
double portable_exp(double x);

// Natural logarithm for x > 0; -inf at 0, NaN below 0.
double portable_log(double x);

// sin(x) for |x| up to about 1e6 (a movie's phase never gets near that).
double portable_sin(double x);

// log(k!) for k >= 0.
double portable_log_factorial(double k);

}  // namespace calmon::synth
