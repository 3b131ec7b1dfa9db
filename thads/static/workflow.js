// The workflow page draws its diagram with the locally served Mermaid (when it was vendored;
// without it the page keeps the diagram's text). A file, not inline code: the
// Content-Security-Policy allows scripts from this site only.
if (window.mermaid) { window.mermaid.initialize({startOnLoad: true}); }
