#include "byte_buffer.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

namespace sched::detail {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

std::uintptr_t round_up(std::uintptr_t value, std::size_t to) { return (value + to - 1) / to * to; }

// `bytes` (a multiple of kHugePage) of fresh memory at a kHugePage boundary,
// or nullptr: maps kHugePage more than asked and unmaps the slack.
char* map_aligned(std::size_t bytes) {
  void* const raw = ::mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = round_up(start, kHugePage);
  if (aligned > start) ::munmap(raw, aligned - start);
  const std::uintptr_t tail = start + kHugePage - aligned;
  if (tail > 0) ::munmap(reinterpret_cast<void*>(aligned + bytes), tail);
  return reinterpret_cast<char*>(aligned);
}

}  // namespace

void advise_huge_pages(const void* begin, std::size_t bytes) {
  const auto start = reinterpret_cast<std::uintptr_t>(begin);
  const std::uintptr_t from = round_up(start, kHugePage);
  const std::uintptr_t to = (start + bytes) / kHugePage * kHugePage;
  if (to > from) (void)::madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
}

ByteBuffer::ByteBuffer(std::size_t size) { resize(size); }

ByteBuffer::ByteBuffer(ByteBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)),
      mapped_(std::exchange(other.mapped_, false)) {}

ByteBuffer& ByteBuffer::operator=(ByteBuffer&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    mapped_ = std::exchange(other.mapped_, false);
  }
  return *this;
}

ByteBuffer::~ByteBuffer() { release(); }

void ByteBuffer::release() {
  if (mapped_) {
    ::munmap(data_, capacity_);
  } else {
    delete[] data_;
  }
}

void ByteBuffer::resize(std::size_t size) {
  if (size <= capacity_) {
    size_ = size;
    return;
  }
  char* fresh = nullptr;
  std::size_t capacity = size;
  bool mapped = false;
  if (size >= kHugePage) {
    capacity = round_up(size, kHugePage);
    fresh = map_aligned(capacity);
    if (fresh == nullptr) throw std::bad_alloc();
    advise_huge_pages(fresh, capacity);
    mapped = true;
  } else {
    fresh = new char[capacity];
  }
  if (size_ > 0) std::memcpy(fresh, data_, size_);
  release();
  data_ = fresh;
  size_ = size;
  capacity_ = capacity;
  mapped_ = mapped;
}

}  // namespace sched::detail
