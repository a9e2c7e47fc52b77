#include "api/answer_codec.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "zdict.h"

namespace rung {
namespace {

// Measured on 300,000 generated answers: 16 KiB held what they share, and a
// larger dictionary compressed no better (bench/analysis.md).
constexpr size_t kDictionaryBytes = 16 * 1024;
// zstd's default level: faster levels compressed these no faster here.
constexpr int kLevel = 3;
// No answer comes near this; a frame claiming more is not one of ours.
constexpr uint64_t kMaxAnswerBytes = 16 << 20;

// zstd's contexts hold scratch space and are not thread-safe; one per thread
// serves every codec.
ZSTD_CCtx* ThreadCompressionContext() {
  thread_local const std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> context(ZSTD_createCCtx(),
                                                                                &ZSTD_freeCCtx);
  return context.get();
}

ZSTD_DCtx* ThreadDecompressionContext() {
  thread_local const std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> context(ZSTD_createDCtx(),
                                                                                &ZSTD_freeDCtx);
  return context.get();
}

}  // namespace

absl::StatusOr<std::unique_ptr<const AnswerCodec>> AnswerCodec::Train(
    const std::vector<std::string>& samples) {
  std::string joined;
  std::vector<size_t> sizes;
  sizes.reserve(samples.size());
  for (const std::string& sample : samples) {
    joined += sample;
    sizes.push_back(sample.size());
  }
  std::string dictionary(kDictionaryBytes, '\0');
  const size_t trained = ZDICT_trainFromBuffer(dictionary.data(), dictionary.size(), joined.data(),
                                               sizes.data(), static_cast<unsigned>(sizes.size()));
  if (ZDICT_isError(trained)) {
    return absl::FailedPreconditionError(absl::StrCat("samples: no dictionary learnt from ",
                                                      samples.size(),
                                                      " answers: ", ZDICT_getErrorName(trained)));
  }
  ZSTD_CDict* compress = ZSTD_createCDict(dictionary.data(), trained, kLevel);
  ZSTD_DDict* decompress = ZSTD_createDDict(dictionary.data(), trained);
  if (compress == nullptr || decompress == nullptr) {
    ZSTD_freeCDict(compress);
    ZSTD_freeDDict(decompress);
    return absl::ResourceExhaustedError("samples: no memory for the dictionary");
  }
  return std::unique_ptr<const AnswerCodec>(
      new AnswerCodec(compress, decompress, static_cast<int64_t>(trained)));
}

AnswerCodec::AnswerCodec(ZSTD_CDict* compress, ZSTD_DDict* decompress, int64_t dictionary_bytes)
    : compress_(compress), decompress_(decompress), dictionary_bytes_(dictionary_bytes) {}

AnswerCodec::~AnswerCodec() {
  ZSTD_freeCDict(compress_);
  ZSTD_freeDDict(decompress_);
}

bool AnswerCodec::CompressTo(absl::string_view answer, std::string* out) const {
  ZSTD_CCtx* context = ThreadCompressionContext();
  if (context == nullptr) return false;
  // Compressed into scratch first, so that `*out` grows only by what the
  // answer takes, not by zstd's worst case.
  thread_local std::string scratch;
  scratch.resize(ZSTD_compressBound(answer.size()));
  const size_t written = ZSTD_compress_usingCDict(context, scratch.data(), scratch.size(),
                                                  answer.data(), answer.size(), compress_);
  if (ZSTD_isError(written)) return false;
  out->append(scratch.data(), written);
  return true;
}

bool AnswerCodec::Decompress(absl::string_view compressed, std::string* answer) const {
  ZSTD_DCtx* context = ThreadDecompressionContext();
  const uint64_t size = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (context == nullptr || size > kMaxAnswerBytes) return false;  // also the two error values
  answer->resize(size);
  const size_t read = ZSTD_decompress_usingDDict(context, answer->data(), answer->size(),
                                                 compressed.data(), compressed.size(), decompress_);
  return !ZSTD_isError(read) && read == size;
}

}  // namespace rung
