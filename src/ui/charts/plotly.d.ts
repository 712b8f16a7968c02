/** The few Plotly calls the charts use (the partial bundle ships no types). */
declare module 'plotly.js-basic-dist-min' {
  export interface PlotlyStatic {
    react(el: HTMLElement, data: object[], layout?: object, config?: object): Promise<HTMLElement>;
    purge(el: HTMLElement): void;
    Plots: { resize(el: HTMLElement): Promise<void> };
    downloadImage(
      el: HTMLElement,
      opts: { format: 'png' | 'svg'; filename: string; width?: number; height?: number },
    ): Promise<string>;
  }
  const Plotly: PlotlyStatic;
  export default Plotly;
}
