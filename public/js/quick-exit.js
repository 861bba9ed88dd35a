// Quick exit: replace this page in the history (so Back does not return to it) and leave at once.
// Without JavaScript the link still works as a plain link. Pressing Escape three times also leaves.
(function () {
  var link = document.getElementById('quick-exit');
  if (!link) return;
  function leave(event) {
    if (event) event.preventDefault();
    document.body.style.visibility = 'hidden';
    window.location.replace(link.href);
  }
  link.addEventListener('click', leave);
  var presses = 0;
  var timer;
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') return;
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 1500);
    if (presses >= 3) leave();
  });
})();
