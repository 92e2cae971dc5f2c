// numpy_peer_registration.h — calmon-bench --registration-peer: rigid registration and
// shift of 512x512 frames by calmon and by numpy/scipy, timed in the same run.
//
// The frames: one of calmon-bench's synthetic uint16 frames is the reference, and
// kFrames copies of it moved by seeded subpixel shifts (bilinear, with wrap-around) are
// registered onto it. calmon: RigidRegistration (default options) then shift_frame, each
// frame timed alone, repeated. The peer: tools/bench/numpy_peer.py --registration on the
// same frames, the same method written in numpy (numpy.fft.fft2, cross-power normalized,
// ifft2, the peak within ±max_shift, the upsampled DFT by two matrix products) and
// scipy.ndimage.shift(order=1); and, if scikit-image is installed, its
// phase_cross_correlation(upsample_factor=10, normalization="phase") with the same shift.
// Prints one "name value" line per figure: each side's median per frame in wall time and
// in CPU time (the thread's; robust when the machine is shared), the ratios, and the
// largest difference between numpy's shifts and calmon's (they compute the same). Every
// side runs on one thread (the peer with OPENBLAS_NUM_THREADS=1 and the like).
#pragma once

#include <string>

namespace calmon::bench {

struct RegistrationPeerRequest {
  int width = 512, height = 512;
  unsigned seed = 1;
  double peer_seconds = 5.0;  // time box of each Python peer
};

// Runs both and prints the figures; throws if the peer fails.
void run_registration_peer(const RegistrationPeerRequest& request);

}  // namespace calmon::bench
