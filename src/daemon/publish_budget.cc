// publish_budget.cc — payloads with a free callback, mapped when large; see the header.
#include "daemon/publish_budget.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <new>

namespace calmon::daemon {

namespace {

// In front of every payload: what to give back when ZeroMQ frees it.
struct alignas(16) Block {
  PublishBudget* budget;
  std::size_t bytes;  // the whole allocation, this header included
  bool mapped;
};

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

}  // namespace

zmq::message_t PublishBudget::allocate(std::size_t size) {
  std::size_t bytes = sizeof(Block) + size;
  const bool mapped = bytes >= kMapThreshold;
  void* memory = nullptr;
  if (mapped) {
    bytes = (bytes + page_size() - 1) / page_size() * page_size();
    memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (memory == MAP_FAILED) throw std::bad_alloc();
  } else {
    memory = std::malloc(bytes);
    if (!memory) throw std::bad_alloc();
  }
  Block* block = new (memory) Block{this, bytes, mapped};
  held_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  return zmq::message_t(block + 1, size, &PublishBudget::release, block);
}

void PublishBudget::release(void* /*data*/, void* hint) {
  Block* block = static_cast<Block*>(hint);
  block->budget->held_bytes_.fetch_sub(block->bytes, std::memory_order_relaxed);
  if (block->mapped) {
    munmap(block, block->bytes);
  } else {
    std::free(block);
  }
}

}  // namespace calmon::daemon
