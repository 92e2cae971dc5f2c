// sequence_ledger_test.cc — the sequence number of a settled frame, remembered per run of
// consecutive numbers rather than per frame.
#include "daemon/sequence_ledger.h"

#include <gtest/gtest.h>

namespace calmon::daemon {
namespace {

TEST(SequenceLedger, ConsecutiveSequenceNumbersAreOneRun) {
  SequenceLedger ledger;
  for (std::int64_t t = 0; t < 1000; ++t) ledger.record(t, 500 + static_cast<std::uint64_t>(t));
  EXPECT_EQ(ledger.runs(), 1u);
  EXPECT_EQ(ledger.sequence_of(0), 500u);
  EXPECT_EQ(ledger.sequence_of(999), 1499u);
}

TEST(SequenceLedger, EachGapStartsARunAndLookupsAcrossGapsAreExact) {
  SequenceLedger ledger;
  const std::uint64_t sequences[] = {1, 2, 6, 7, 8, 20};
  for (std::int64_t t = 0; t < 6; ++t) ledger.record(t, sequences[t]);
  EXPECT_EQ(ledger.runs(), 3u);
  for (std::int64_t t = 0; t < 6; ++t) EXPECT_EQ(ledger.sequence_of(t), sequences[t]) << t;
}

TEST(SequenceLedger, LookupsForgetTheRunsBehindThem) {
  SequenceLedger ledger;
  ledger.record(0, 10);
  ledger.record(1, 20);
  ledger.record(2, 30);
  EXPECT_EQ(ledger.sequence_of(2), 30u);
  EXPECT_EQ(ledger.runs(), 1u);
  ledger.clear();
  EXPECT_EQ(ledger.runs(), 0u);
  ledger.record(0, 3);
  EXPECT_EQ(ledger.sequence_of(0), 3u);
}

}  // namespace
}  // namespace calmon::daemon
