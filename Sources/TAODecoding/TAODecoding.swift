/// CTC decoding and n-gram language models: greedy and beam search, KenLM-compatible ARPA files,
/// modified Kneser-Ney estimation. Speaks plain `[Float]` buffers; does not depend on TAOTensor.
public enum TAODecoding {}
