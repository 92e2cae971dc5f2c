// integer_frame_kernels.h — the fused pass that adds an integer frame to IntegerSums, and its dispatch.
//
// One loop per row does max, min, Σu and Σx² together (integer_sums.h), with the
// statistics wanted fixed at compile time: a kernel for each of the kDoVariants
// combinations. Each kernel is compiled twice, for baseline x86-64 and with
// [[gnu::target("avx2")]] (packed 16-bit max/min, widening in one instruction, 8 lanes of
// 32 bits), and the one to use is chosen once per projection at run time, so the binary
// runs on any x86-64 and needs no -march=native. Both compute the same integers.
#pragma once

#include "core/integer_sums.h"
#include "core/projection_set.h"

namespace calmon::detail {

// Adds one whole frame (the crop is applied inside) to the sums.
template <class T> using IntegerFrameAdder = void (*)(IntegerSums<T>&, const T*);

// The kernel for `what` (kDo* bits) in the instruction set `isa` asks for. Throws
// calmon::Error for kAvx2 on a CPU without AVX2 and for an unknown code.
// For uint8, uint16, int16 and uint32.
template <class T> IntegerFrameAdder<T> integer_frame_adder(unsigned what, ProjectionKernels::Isa isa);

}  // namespace calmon::detail
