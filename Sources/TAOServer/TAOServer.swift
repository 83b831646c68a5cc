/// tao's service: HTTP/JSON and WebSocket routes over the models of a model repository.
public enum TAOServer {}
