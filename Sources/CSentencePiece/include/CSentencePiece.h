// A small C API over Debian's libsentencepiece, so Swift can train, load and run real SentencePiece models.
// Strings are UTF-8. Functions that can fail return an error message through `error` (free it with
// csp_free_string); every buffer returned is owned by the caller and freed with the matching csp_free_* call.
#ifndef CSENTENCEPIECE_H
#define CSENTENCEPIECE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A loaded model (an opaque sentencepiece::SentencePieceProcessor).
typedef struct CSPProcessor CSPProcessor;

/// Trains a model with SentencePiece's trainer flags given as `count` key/value pairs (e.g. "input", "model_prefix",
/// "vocab_size"). Returns 0 on success; otherwise 1 and an error message in `*error`.
int csp_train(const char *const *keys, const char *const *values, int count, char **error);

/// Loads a `.model` file; NULL and an error message in `*error` when the file is missing or not a model.
CSPProcessor *csp_load(const char *path, char **error);

/// Frees a processor from csp_load.
void csp_free(CSPProcessor *processor);

/// Frees a string this API returned.
void csp_free_string(char *string);

/// Frees an id array this API returned.
void csp_free_ids(int *ids);

/// The vocabulary size.
int csp_piece_size(const CSPProcessor *processor);

/// The piece of `id` (valid while the processor lives); "" when `id` is out of range.
const char *csp_id_to_piece(const CSPProcessor *processor, int id);

/// The id of `piece`, or the unknown id when the vocabulary lacks it.
int csp_piece_to_id(const CSPProcessor *processor, const char *piece);

/// Encodes `text` into ids: their count, or -1 and an error message. `*ids` is set to a new array (csp_free_ids).
int csp_encode_ids(const CSPProcessor *processor, const char *text, int **ids, char **error);

/// Encodes `text` into pieces as they appear in the text (unknown pieces keep their surface form): their count, or
/// -1 and an error message. `*pieces` is set to the pieces, each followed by a NUL byte (csp_free_string).
int csp_encode_pieces(const CSPProcessor *processor, const char *text, char **pieces, char **error);

/// Decodes `count` ids into text (csp_free_string), or NULL and an error message.
char *csp_decode_ids(const CSPProcessor *processor, const int *ids, int count, char **error);

#ifdef __cplusplus
}
#endif

#endif
