import { LiveView, LiveViewBase } from 'nestjs-djust';

@LiveView()
export class ClockView extends LiveViewBase {
  now = new Date();
  private _timer?: NodeJS.Timeout;

  mount() {
    this._timer = setInterval(() => {
      this.now = new Date();
      void this.pushAssigns();
    }, 1000);
  }

  unmount() {
    clearInterval(this._timer);
  }
}
