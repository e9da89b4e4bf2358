"""The one tree-sitter front end of v8snap: parsing JavaScript (:mod:`v8snap.syntax.tree`) and resolving
names to scopes (:mod:`v8snap.syntax.scopes`). The graph stage (static specifiers, a shadowed
``require``) and the snapshot printer use the same parser and the same scope rules."""
