/// tao's language layer: the BERT encoder, its task heads, the text datasets and their metrics.
public enum TAONLP {}
