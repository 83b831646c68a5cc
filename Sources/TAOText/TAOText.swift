/// Text processing for tao's models: vocabularies, character and WordPiece tokenizers, subword
/// tokenizers and text normalization. Does not depend on TAOTensor.
public enum TAOText {}
