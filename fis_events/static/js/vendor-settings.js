// Read by Bootstrap Italia's bundle as it loads, so it must come first. Its video player
// (video.js) would otherwise add <style> elements, which the Content-Security-Policy refuses:
// no page plays video, so its default sizes are not needed.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
