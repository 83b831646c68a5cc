// The C API of CSentencePiece.h over sentencepiece's C++ classes.
#include "CSentencePiece.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

struct CSPProcessor {
    sentencepiece::SentencePieceProcessor processor;
};

namespace {

char *copyString(const std::string &text) {
    char *copy = static_cast<char *>(std::malloc(text.size() + 1));
    if (copy == nullptr) return nullptr;
    std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    return copy;
}

void setError(char **error, const std::string &message) {
    if (error != nullptr) *error = copyString(message);
}

}  // namespace

extern "C" {

int csp_train(const char *const *keys, const char *const *values, int count, char **error) {
    std::unordered_map<std::string, std::string> arguments;
    for (int index = 0; index < count; ++index) arguments[keys[index]] = values[index];
    try {
        const auto status = sentencepiece::SentencePieceTrainer::Train(arguments);
        if (!status.ok()) {
            setError(error, status.ToString());
            return 1;
        }
    } catch (const std::exception &exception) {
        setError(error, exception.what());
        return 1;
    }
    return 0;
}

CSPProcessor *csp_load(const char *path, char **error) {
    auto *wrapper = new CSPProcessor();
    const auto status = wrapper->processor.Load(path);
    if (!status.ok()) {
        setError(error, status.ToString());
        delete wrapper;
        return nullptr;
    }
    return wrapper;
}

void csp_free(CSPProcessor *processor) { delete processor; }

void csp_free_string(char *string) { std::free(string); }

void csp_free_ids(int *ids) { std::free(ids); }

int csp_piece_size(const CSPProcessor *processor) { return processor->processor.GetPieceSize(); }

const char *csp_id_to_piece(const CSPProcessor *processor, int id) {
    if (id < 0 || id >= processor->processor.GetPieceSize()) return "";
    return processor->processor.IdToPiece(id).c_str();
}

int csp_piece_to_id(const CSPProcessor *processor, const char *piece) {
    return processor->processor.PieceToId(piece);
}

int csp_encode_ids(const CSPProcessor *processor, const char *text, int **ids, char **error) {
    std::vector<int> encoded;
    const auto status = processor->processor.Encode(text, &encoded);
    if (!status.ok()) {
        setError(error, status.ToString());
        return -1;
    }
    *ids = static_cast<int *>(std::malloc(sizeof(int) * (encoded.size() + 1)));
    if (*ids == nullptr) {
        setError(error, "out of memory");
        return -1;
    }
    std::memcpy(*ids, encoded.data(), sizeof(int) * encoded.size());
    return static_cast<int>(encoded.size());
}

int csp_encode_pieces(const CSPProcessor *processor, const char *text, char **pieces, char **error) {
    std::vector<std::string> encoded;
    const auto status = processor->processor.Encode(text, &encoded);
    if (!status.ok()) {
        setError(error, status.ToString());
        return -1;
    }
    std::string joined;
    for (const auto &piece : encoded) {
        joined += piece;
        joined.push_back('\0');
    }
    *pieces = static_cast<char *>(std::malloc(joined.size() + 1));
    if (*pieces == nullptr) {
        setError(error, "out of memory");
        return -1;
    }
    std::memcpy(*pieces, joined.data(), joined.size());
    (*pieces)[joined.size()] = '\0';
    return static_cast<int>(encoded.size());
}

char *csp_decode_ids(const CSPProcessor *processor, const int *ids, int count, char **error) {
    std::vector<int> input(ids, ids + count);
    std::string text;
    const auto status = processor->processor.Decode(input, &text);
    if (!status.ok()) {
        setError(error, status.ToString());
        return nullptr;
    }
    return copyString(text);
}

}  // extern "C"
