const React = require('react');
const { renderToString } = require('react-dom/server');
const App = ({ items }) => React.createElement('ul', null, items.map((i) => React.createElement('li', { key: i }, i)));
console.log(renderToString(React.createElement(App, { items: ['a', 'b', process.argv[2] || 'c'] })));
