// Embeds a Shardlab lesson and records its completion message.
//
// The iframe's address names the lesson and this page's origin; the lesson
// posts {type: "shardlab:complete", lesson, score} to that origin only.
const frame = document.getElementById('exercise');
const site = new URL('../', window.location.href); // where Shardlab's index.html is
const src = new URL(site);
src.searchParams.set('embed', frame.dataset.lesson);
src.searchParams.set('origin', window.location.origin);
frame.src = src.href;

window.addEventListener('message', (event) => {
  // Accept messages only from the Shardlab site, and only of the documented shape.
  if (event.origin !== site.origin || event.source !== frame.contentWindow) return;
  const { type, lesson, score } = event.data ?? {};
  if (type !== 'shardlab:complete') return;
  const item = document.createElement('li');
  item.textContent = `${type}: lesson ${lesson}, score ${score}`;
  item.dataset.lesson = lesson;
  item.dataset.score = String(score);
  document.getElementById('messages').append(item);
});
