// A template engine: an Environment with a filter, inheritance from in-memory templates.
const nunjucks = require("nunjucks");
const loader = { getSource: (name) => ({ src: { "base.njk": "<title>{% block t %}{% endblock %}</title>{% block body %}{% endblock %}",
  "page.njk": "{% extends 'base.njk' %}{% block t %}{{ title | shout }}{% endblock %}{% block body %}{% for i in items %}[{{ loop.index }}:{{ i }}]{% endfor %}{% endblock %}" }[name], path: name, noCache: true }) };
const env = new nunjucks.Environment(loader, { autoescape: true });
env.addFilter("shout", (s) => s.toUpperCase() + "!");
console.log(env.render("page.njk", { title: "hello", items: ["x", "<y>"] }));
