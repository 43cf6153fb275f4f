import WeijianServer

await Weijian.main()
