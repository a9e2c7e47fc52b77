#ifndef RUNG_STORAGE_MEMORY_MEMORY_STORE_H_
#define RUNG_STORAGE_MEMORY_MEMORY_STORE_H_

// The Store in this process's memory, gone with it: for unit tests of the
// Advisor that need neither a daemon nor a file. It keeps the contract of
// rung/store.h as the other engines do (tests/store_contract.h checks it).

#include <memory>

#include "rung/store.h"

namespace rung {

// An empty store. Thread-safe; Backup answers FAILED_PRECONDITION.
std::unique_ptr<Store> NewMemoryStore();

}  // namespace rung

#endif  // RUNG_STORAGE_MEMORY_MEMORY_STORE_H_
